/** The parts of a multipart email: headers (lowercased names) and decoded bodies. */
export function mimeParts(raw: string): Array<{ contentType: string; filename: string | undefined; body: string }> {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) throw new Error('not a multipart message');
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const split = chunk.indexOf('\r\n\r\n');
      const head = chunk.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
      const body = chunk.slice(split + 4).replace(/\r\n$/, '');
      const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
      const encoding = header('Content-Transfer-Encoding').toLowerCase();
      let text = body;
      if (encoding === 'base64') text = Buffer.from(body, 'base64').toString('utf8');
      if (encoding === 'quoted-printable')
        text = Buffer.from(
          body
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8');
      return {
        contentType: header('Content-Type'),
        filename: /filename="?([^";]+)"?/i.exec(head)?.[1],
        body: text.replace(/\r\n/g, '\n'),
      };
    });
}

/** The plain-text body and the .ics attachment of a booking email. */
export function bookingMail(raw: string): { text: string; ics: string } {
  const parts = mimeParts(raw);
  const text = parts.find((p) => p.contentType.startsWith('text/plain'))?.body ?? '';
  const ics = parts.find((p) => p.contentType.startsWith('text/calendar'))?.body ?? '';
  return { text, ics };
}
