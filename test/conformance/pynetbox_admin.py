"""Drives Hush's admin API with pynetbox 7.0.0 (Debian's python3-pynetbox), as a NetBox user would.

Usage: python3 pynetbox_admin.py URL TOKEN. Prints one JSON object of observations for the calling test to check.
"""
import json
import sys

import pynetbox

url, token = sys.argv[1], sys.argv[2]
nb = pynetbox.api(url, token=token)
out = {"version": nb.version, "status_engines": nb.status()["engines"]}

out["usernames"] = sorted(u.username for u in nb.users.users.all())
user = nb.users.users.create(username="py-user", password="py-password-1", email="py@example.com")
out["created_id"] = user.id
user.first_name = "Py"
out["saved"] = user.save()
out["first_name_after_save"] = nb.users.users.get(user.id).first_name
out["get_by_filter"] = nb.users.users.get(username="py-user").id
out["missing_is_none"] = nb.users.users.get(999999) is None

for i in range(3):
    nb.users.users.create(username=f"py-bulk-{i}")
out["user_count"] = nb.users.users.count()

# create_token() also switches the api object to the new token, so it gets an api object of its own.
token_record = pynetbox.api(url).create_token("py-user", "py-password-1")
out["provisioned_key_len"] = len(token_record.key)
as_user = pynetbox.api(url, token=token_record.key)
out["own_tokens"] = [t.user.username for t in as_user.users.tokens.all()]

perm = nb.users.permissions.create(name="py can view users", object_types=["users.user"], actions=["view"], users=[user.id])
out["perm_users"] = [u.username for u in perm.users]
out["user_can_list_users"] = len(list(as_user.users.users.all())) > 0

try:
    nb.users.users.create(username="bad name!")
    out["bad_input"] = None
except pynetbox.RequestError as e:
    out["bad_input"] = {"status": e.req.status_code, "body": e.error}

perm.delete()
out["deleted"] = user.delete()
out["after_delete"] = nb.users.users.get(user.id) is None
print(json.dumps(out))
