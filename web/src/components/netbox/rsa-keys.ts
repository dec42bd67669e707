/**
 * An RSA key pair made in the browser by WebCrypto, for a NetBox user key: the private key never reaches the server
 * (unlike the plugin's `generate-rsa-key-pair/` endpoint, which makes it there). 2048 bits, the plugin's minimum and
 * its default; the public exponent 65537. PEM with 64-character lines: SubjectPublicKeyInfo for the public key (what
 * the plugin stores) and PKCS#8 for the private key (which the session-key endpoint reads like PKCS#1).
 */
export const KEY_BITS = 2048;

function pem(label: string, der: ArrayBuffer): string {
  const bytes = new Uint8Array(der);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export async function generateRsaKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength: KEY_BITS, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['encrypt', 'decrypt'],
  );
  const [spki, pkcs8] = await Promise.all([
    crypto.subtle.exportKey('spki', pair.publicKey),
    crypto.subtle.exportKey('pkcs8', pair.privateKey),
  ]);
  return { publicKey: pem('PUBLIC KEY', spki), privateKey: pem('PRIVATE KEY', pkcs8) };
}

/** Offers `text` as a file download; the object URL is revoked at once, so the key stays nowhere in the page. */
export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A PEM-looking text, read from a file the user picks, bounded (a key is a few KB). */
export async function readKeyFile(file: File): Promise<string> {
  if (file.size > 64 * 1024) throw new Error('That file is too large to be a key.');
  return (await file.text()).trim();
}
