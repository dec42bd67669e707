import { Type } from '../../http/schemas.js';

/** The envelope every Passbolt answer uses; `body` varies per route and is documented in README.md. */
export const Header = Type.Object({
  id: Type.String({ description: 'A fresh UUID per response' }),
  status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
  servertime: Type.Integer({ description: 'Unix time in seconds' }),
  title: Type.String({ description: 'Deprecated by Passbolt: app_<controller>_<action>_<status>' }),
  action: Type.String({ description: 'UUID v5 naming the action' }),
  message: Type.String(),
  url: Type.String(),
  code: Type.Integer(),
});

export const Envelope = Type.Object({ header: Header, body: Type.Any() });
export const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });
/** Passbolt's query options are flat bracketed keys (`contain[secret]=1`, `filter[has-id][]=…`); bounded, read by the service. */
export const ListQuery = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 256 }), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })]));

export const tags = ['passbolt'];
export const envelope = { 200: Envelope };
