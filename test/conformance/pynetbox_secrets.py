"""Drives Hush's NetBox secrets plugin API with pynetbox 7.0.0 (Debian's python3-pynetbox), as a NetBox user would.

Usage: python3 pynetbox_secrets.py URL TOKEN. Prints one JSON object of observations for the calling test to check.
"""
import json
import sys

import pynetbox

url, token = sys.argv[1], sys.argv[2]
nb = pynetbox.api(url, token=token)
out = {"version": nb.version}
secrets = nb.plugins.secrets

# A key pair from the server: a GET with ?key_size=2048&limit=0 answered by one object.
kp = next(iter(secrets.generate_rsa_key_pair.filter(key_size=2048)))
out["private_key_header"] = kp.private_key.splitlines()[0]
user_key = secrets.user_keys.create(public_key=kp.public_key)
out["user_key_active"] = user_key.is_active
sk = secrets.session_key.create(private_key=kp.private_key).session_key
out["session_key_len"] = len(sk)
nb.http_session.headers["X-Session-Key"] = sk

role = secrets.secret_roles.create(name="Login Credentials", slug="login-creds")
dev = nb.dcim.devices.create(name="MyTestDevice")
s = secrets.secrets.create(assigned_object_type="dcim.device", assigned_object_id=dev.id, role=role.id, name="admin", plaintext="foobar")
out["created_plaintext"] = s.plaintext
got = secrets.secrets.get(s.id)
out["read_plaintext"] = got.plaintext
out["assigned_object_name"] = got.assigned_object.name
out["role_slug"] = got.role.slug
out["listed"] = [x.plaintext for x in secrets.secrets.filter(role_id=role.id)]
out["count"] = secrets.secrets.count()
out["roles"] = [r.name for r in secrets.secret_roles.all()]

got.plaintext = "changed"
out["saved"] = got.save()
out["after_save"] = secrets.secrets.get(s.id).plaintext
out["updated"] = got.update({"name": "admin2"})
out["after_update_name"] = secrets.secrets.get(s.id).name

# Without a session key: plaintext is None, and a create is refused with 400.
bare = pynetbox.api(url, token=token)
out["bare_plaintext_is_none"] = bare.plugins.secrets.secrets.get(s.id).plaintext is None
try:
    bare.plugins.secrets.secrets.create(assigned_object_type="dcim.device", assigned_object_id=dev.id, role=role.id, name="x", plaintext="y")
    out["bare_create_status"] = None
except pynetbox.RequestError as e:
    out["bare_create_status"] = e.req.status_code

# pynetbox's own session-key flow: private_key= makes it POST /api/secrets/get-session-key/?preserve_key=True.
auto = pynetbox.api(url, token=token, private_key=kp.private_key)
out["auto_plaintexts"] = [x.plaintext for x in auto.plugins.secrets.secrets.all()]
out["auto_legacy_plaintexts"] = [x.plaintext for x in auto.secrets.secrets.all()]
out["auto_session_key_same"] = auto.session_key == sk

out["deleted"] = got.delete()
out["role_deleted"] = role.delete()
out["after_delete_is_none"] = secrets.secrets.get(s.id) is None
print(json.dumps(out))
