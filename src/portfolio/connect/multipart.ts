import { MalformedBody } from '../../kernel/http/malformed-body.ts';
import { NUL_REFUSED } from '../../kernel/http/nul-characters.ts';

/**
 * A small multipart/form-data reader for the CSV upload form (one file and a few text
 * fields): parts are split on the boundary and named by their Content-Disposition.
 */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new MalformedBody('the upload is missing its multipart boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string> = {};
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const head = part.subarray(0, split).toString('utf8');
      const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
      const value = part.subarray(split + 4).toString('utf8');
      // A file's content is the CSV reader's to judge; a text field with U+0000 is refused here.
      if (!/\bfilename=/i.test(head) && value.includes('\0')) throw new MalformedBody(NUL_REFUSED);
      if (name !== undefined) fields[name] = value;
    }
    start = next;
  }
  return fields;
}
