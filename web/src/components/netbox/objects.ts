import type { ObjectKind, Place } from '../../api/netbox.ts';

/** How the console names each kind of object a secret is assigned to, and where its pages are. */
export const NOUNS = {
  'dcim.device': { one: 'device', many: 'devices', Many: 'Devices', path: 'devices', short: 'device' },
  'virtualization.virtualmachine': {
    one: 'virtual machine',
    many: 'virtual machines',
    Many: 'Virtual machines',
    path: 'vms',
    short: 'VM',
  },
} as const satisfies Record<ObjectKind, { one: string; many: string; Many: string; path: string; short: string }>;

export const nounOf = (kind: ObjectKind) => NOUNS[kind];

/** The list page of a kind: `/netbox/devices`, `/netbox/vms`. */
export const listPathOf = (kind: ObjectKind) => `/netbox/${NOUNS[kind].path}`;

/** The secrets of one device or VM: `/netbox/devices/4` (ids only in the address, never a value). */
export const secretsPathOf = (place: Place) => `${listPathOf(place.kind)}/${place.id}`;

/** A place from its address segment, or undefined when the id is not a positive integer. */
export function placeOf(kind: ObjectKind, raw: string): Place | undefined {
  const id = Number(raw);
  return /^[1-9][0-9]{0,15}$/.test(raw) && Number.isSafeInteger(id) ? { kind, id } : undefined;
}

/** One key per place for pickers: `dcim.device:4`. */
export const placeKey = (place: { kind: string; id: number }) => `${place.kind}:${place.id}`;
