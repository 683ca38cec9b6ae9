-- Certificate numbers taken for an approval that then did not complete (issue 16): the certificate is numbered and
-- signed before the approval's transaction, so a signature the TSA refused, a full disk, or another officer deciding
-- the application in the same moment leaves its number unused. A register with a gap must say why: each unused
-- number is kept with its application and the reason, so the block's series can be accounted for number by number.
create table unused_certificate_numbers (
  certificate_no text primary key,
  application_id bigint not null references applications (id),
  reason         text not null,
  recorded_at    timestamptz not null
);
