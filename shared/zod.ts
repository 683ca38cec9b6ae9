// zod, configured once for every schema the PWA and the API share: a missing field is "required", anything a schema
// does not word itself is "not valid". Messages are catalogue keys, translated where they are shown.
import { z } from 'zod';

z.config({ customError: (issue) => (issue.input === undefined ? 'field.required' : 'field.invalid') });

export { z };
