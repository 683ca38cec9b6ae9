-- Issue 15, state scale: each upload is counted against its uploader's quota of files not yet in an application (DESIGN
-- §11; api/documents/documents.ts), by a count and a sum of sizes over those files. No index served that: the planner
-- read every unattached upload of the whole service through documents_application (application_id is null) and kept
-- the uploader's, so each upload's cost grew with how many people across the 23 districts were half-way through an
-- application that day. This partial index holds only unattached uploads, by uploader, with their sizes: the quota is
-- read from the index alone, a handful of entries, whatever the state's load. Attaching a document to its
-- application takes it out of the index, and the janitor's deletions do the same.
--
-- Building it reads the documents table once while writes to it wait (about a second per million documents here).
create index documents_unattached_by_uploader on documents (uploaded_by) include (size) where application_id is null;
