"""An independent check of Hush's NetBox secrets crypto against the original's formats, with only the standard library
and python3-cryptography (the original used pycryptodome; these are the same primitives).

Reads JSON on stdin: private_key (PEM), master_key_cipher, session_key, session_cipher, ciphertext (all base64), hash
and plaintext. Prints JSON observations, plus a ciphertext and hash made here in the original's format for Hush to read.
"""
import base64
import hashlib
import hmac
import json
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

data = json.load(sys.stdin)
b64 = base64.b64decode
out = {}

# UserKey.master_key_cipher: PKCS1_OAEP defaults = OAEP with SHA-1 and MGF1-SHA-1, no label.
private_key = serialization.load_pem_private_key(data["private_key"].encode(), password=None)
master = private_key.decrypt(b64(data["master_key_cipher"]), padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
out["master_key_len"] = len(master)

# SessionKey.cipher = session_key XOR master_key.
session_key = b64(data["session_key"])
out["session_cipher_matches"] = bytes(a ^ b for a, b in zip(session_key, master)) == b64(data["session_cipher"])


def unframe(frame):
    length = (frame[0] << 8) + frame[1]
    return frame[2 : 2 + length].decode("utf8")


# Secret.ciphertext = IV (16) || AES-256-CFB (8-bit segments, pycryptodome's default) of the framed plaintext.
blob = b64(data["ciphertext"])
iv, body = blob[:16], blob[16:]
decryptor = Cipher(algorithms.AES(master), modes.CFB8(iv)).decryptor()
frame = decryptor.update(body) + decryptor.finalize()
out["frame_len"] = len(frame)
out["plaintext"] = unframe(frame)
cfb128 = Cipher(algorithms.AES(master), modes.CFB(iv)).decryptor()
out["cfb128_differs"] = (cfb128.update(body) + cfb128.finalize())[2:] != frame[2:]

# Secret.hash: Django pbkdf2_sha256$iterations$salt$base64(PBKDF2-HMAC-SHA256).
algorithm, iterations, salt, digest = data["hash"].split("$")
expected = base64.b64encode(hashlib.pbkdf2_hmac("sha256", out["plaintext"].encode(), salt.encode(), int(iterations), 32)).decode()
out["hash_algorithm"] = algorithm
out["hash_iterations"] = int(iterations)
out["hash_verifies"] = hmac.compare_digest(expected, digest)

# The other direction: a secret encrypted here, as the original would store it, for Hush to decrypt.
text = "made in python ✓".encode("utf8")
pad = 62 - len(text) if len(text) <= 62 else (16 - (len(text) + 2) % 16) % 16
new_iv = os.urandom(16)
encryptor = Cipher(algorithms.AES(master), modes.CFB8(new_iv)).encryptor()
framed = bytes([len(text) >> 8, len(text) & 0xFF]) + text + os.urandom(pad)
out["foreign_ciphertext"] = base64.b64encode(new_iv + encryptor.update(framed) + encryptor.finalize()).decode()
new_salt = "abcdefghijklmnopqrstuv"
out["foreign_hash"] = "pbkdf2_sha256$1000$%s$%s" % (new_salt, base64.b64encode(hashlib.pbkdf2_hmac("sha256", text, new_salt.encode(), 1000, 32)).decode())
print(json.dumps(out))
