"""Drives the wire fixes of issue 16 with pynetbox 7.0.0: filters, the filtered cleanup loop, refused fields.

Usage: python3 pynetbox_wire.py URL TOKEN. Prints one JSON object of observations for the calling test to check.
"""
import json
import sys

import pynetbox
from pynetbox.core.query import RequestError

url, token = sys.argv[1], sys.argv[2]
nb = pynetbox.api(url, token=token)
out = {}


def refused(call):
    """The status and field names of a refused request, or None if it succeeded."""
    try:
        call()
    except RequestError as e:
        return {"status": e.req.status_code, "fields": sorted(e.req.json().keys())}
    return None


alice = nb.users.users.create(username="alice", first_name="Alice", email="alice@example.com")
bob = nb.users.users.create(username="bob", last_name="Builder", is_active=False)
for name, users in [("temp-perm", [alice.id]), ("temp-perm-2", [bob.id]), ("keep-me", [alice.id, bob.id]),
                    ("other", [])]:
    nb.users.permissions.create(name=name, object_types=["dcim.device"], actions=["view"], users=users,
                                description=f"about {name}")
nb.users.tokens.create(user=alice.id, description="ci deploy")

out["username_ic"] = sorted(u.username for u in nb.users.users.filter(username__ic="LIC"))
out["q"] = sorted(u.username for u in nb.users.users.filter(q="builder"))
out["is_active_false"] = sorted(u.username for u in nb.users.users.filter(is_active=False))
out["id_repeat"] = sorted(u.username for u in nb.users.users.filter(id=[alice.id, bob.id]))
out["token_description"] = [t.description for t in nb.users.tokens.filter(description="ci deploy")]
out["perm_user"] = sorted(p.name for p in nb.users.permissions.filter(user="alice"))

# The cleanup loop of the issue: it must delete only what the filter names.
for p in nb.users.permissions.filter(name="temp-perm"):
    p.delete()
out["after_cleanup"] = sorted(p.name for p in nb.users.permissions.all())
for p in nb.users.permissions.filter(name__isw="temp"):
    p.delete()
out["after_prefix_cleanup"] = sorted(p.name for p in nb.users.permissions.all())

out["unknown_filter"] = refused(lambda: list(nb.users.permissions.filter(nmae="keep-me")))
out["unknown_device_filter"] = refused(lambda: list(nb.dcim.devices.filter(site="nowhere")))

# Fields Hush does not store are refused, not dropped.
device = nb.dcim.devices.create(name="edge-1")
out["device_site"] = refused(lambda: nb.dcim.devices.create(name="edge-2", site=1, status="active"))
device.custom_fields = {"owner": "ops"}
out["device_custom_fields"] = refused(device.save)
role = nb.plugins.secrets.secret_roles.create(name="Login", slug="login")
role.tags = [{"name": "prod", "slug": "prod"}]
out["role_tags"] = refused(role.save)
fresh = nb.plugins.secrets.secret_roles.get(role.id)
out["role_after"] = {"tags": fresh.tags, "custom_fields": fresh.custom_fields}

# Bulk device writes: a list create, a list update, a list delete; a bad item fails the whole list.
made = nb.dcim.devices.create([{"name": "bulk-1"}, {"name": "bulk-2", "description": "two"}])
out["bulk_created"] = [(d.name, d.description) for d in made]
out["bulk_bad"] = refused(lambda: nb.dcim.devices.create([{"name": "bulk-3"}, {"name": ""}]))
out["after_bulk_bad"] = sorted(d.name for d in nb.dcim.devices.filter(name__isw="bulk"))
for d in made:
    d.description = f"updated {d.name}"
out["bulk_updated"] = [d.description for d in nb.dcim.devices.update(made)]
out["bulk_deleted"] = nb.dcim.devices.delete(made)
out["after_bulk_delete"] = sorted(d.name for d in nb.dcim.devices.all())
out["choices"] = nb.dcim.devices.choices()
out["secret_choices"] = nb.plugins.secrets.secrets.choices()
out["installed_plugins"] = [p["name"] for p in nb.plugins.installed_plugins()]
out["users_config"] = nb.http_session.get(f"{url}/api/users/config/", headers={"Authorization": f"Token {token}"}).json()

print(json.dumps(out))
