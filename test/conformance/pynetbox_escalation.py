"""Tries, with pynetbox 7.0.0, the three grants that used to be a superuser in disguise, as their holder would.

Usage: python3 pynetbox_escalation.py URL TOKEN (a superuser's). Prints one JSON object: for each attempt, the HTTP
status and error body pynetbox saw (or "allowed"), for the calling test to check.
"""
import json
import sys

import pynetbox

url, token = sys.argv[1], sys.argv[2]
nb = pynetbox.api(url, token=token)


def attempt(action):
    try:
        action()
        return "allowed"
    except pynetbox.RequestError as e:
        return {"status": e.req.status_code, "error": e.error}


mallory = nb.users.users.create(username="py-mallory", password="py-mallory-pw")
other = nb.users.users.create(username="py-other")
nb.users.permissions.create(
    name="py-mallory admin-ish",
    object_types=["users.user", "users.objectpermission", "users.token"],
    actions=["view", "add", "change"],
    users=[mallory.id],
)
as_mallory = pynetbox.api(url, token=pynetbox.api(url).create_token("py-mallory", "py-mallory-pw").key)
out = {}


def make_self_superuser():
    me = as_mallory.users.users.get(mallory.id)
    me.is_superuser = True
    me.save()


def take_admin_email():
    # pynetbox saves only fields its GET returned, so a write-only password never leaves it; the HTTP tests try that.
    admin = as_mallory.users.users.get(1)
    admin.email = "mallory@example.com"
    admin.save()


out["self_superuser"] = attempt(make_self_superuser)
out["admin_email"] = attempt(take_admin_email)
out["grant_unheld"] = attempt(lambda: as_mallory.users.permissions.create(name="py secrets", object_types=["netbox_secrets.secret"], actions=["view"], users=[mallory.id]))
out["admin_token"] = attempt(lambda: as_mallory.users.tokens.create(user=1))
out["grant_held"] = attempt(lambda: as_mallory.users.permissions.create(name="py view users", object_types=["users.user"], actions=["view"], users=[other.id]))
out["other_token"] = attempt(lambda: as_mallory.users.tokens.create(user=other.id))
out["unknown_type"] = attempt(lambda: nb.users.permissions.create(name="py typo", object_types=["phase.environment"], actions=["view"]))
out["still_not_superuser"] = nb.users.users.get(mallory.id).is_superuser is False
out["admin_email_after"] = nb.users.users.get(1).email
print(json.dumps(out))
