import { Center, Loader, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Link, Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { ListValues } from './pages/ListValues.tsx';
import { Lists } from './pages/Lists.tsx';
import { ListsRender } from './pages/ListsRender.tsx';
import { NOUNS, placeKey, placeOf } from './components/netbox/objects.ts';
import type { ObjectKind } from './api/netbox.ts';
import { NetboxKeys } from './pages/NetboxKeys.tsx';
import { NetboxRoles } from './pages/NetboxRoles.tsx';
import { NetboxSecrets } from './pages/NetboxSecrets.tsx';
import { Overview } from './pages/Overview.tsx';
import { PassboltResources } from './pages/PassboltResources.tsx';
import { PhaseApp } from './pages/PhaseApp.tsx';
import { PhaseApps } from './pages/PhaseApps.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Tokens } from './pages/Tokens.tsx';
import { SessionProvider, useSessionState } from './session.tsx';
import { Shell } from './Shell.tsx';

// Administration pages load on first visit: most sessions never open them, and they keep the first load small.
const AdminUsers = lazy(async () => ({ default: (await import('./pages/AdminUsers.tsx')).AdminUsers }));
const AdminPermissions = lazy(async () => ({
  default: (await import('./pages/AdminPermissions.tsx')).AdminPermissions,
}));
const AdminAudit = lazy(async () => ({ default: (await import('./pages/AdminAudit.tsx')).AdminAudit }));
// The devices and VMs pages too (paging, their forms): the secrets page is where NetBox work starts.
const NetboxObjects = lazy(async () => ({ default: (await import('./pages/NetboxObjects.tsx')).NetboxObjects }));
const Account = lazy(async () => ({ default: (await import('./pages/Account.tsx')).Account }));

const KINDS = Object.keys(NOUNS) as ObjectKind[];

function NotFound() {
  return (
    <Stack>
      <Title order={1}>Nothing here</Title>
      <Text>
        This page does not exist. <Link href="/">Back to the overview</Link>.
      </Text>
    </Stack>
  );
}

/**
 * Pages are addressed after the `#` (`/ui/#/phase/…`): the server serves one page at /ui/, and no address holds
 * anything secret (ids and environment names only).
 */
function Pages() {
  const state = useSessionState();
  if (state.status === 'loading') {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading the console" />
      </Center>
    );
  }
  if (state.status === 'signed-out') return <SignIn notice={state.notice} />;
  return (
    <Shell>
      <Suspense
        fallback={
          <Center py="xl">
            <Loader aria-label="Loading the page" />
          </Center>
        }
      >
        <Switch>
          <Route path="/">
            <Overview />
          </Route>
          <Route path="/phase">
            <PhaseApps />
          </Route>
          <Route path="/phase/:app/:env?">
            {(p) => <PhaseApp appId={p.app} envName={p.env === undefined ? undefined : paramOf(p.env)} />}
          </Route>
          <Route path="/lists">
            <Lists />
          </Route>
          <Route path="/lists/:name">{(p) => <ListValues name={paramOf(p.name)} />}</Route>
          <Route path="/render">
            <ListsRender />
          </Route>
          <Route path="/netbox">
            <NetboxSecrets key="all" />
          </Route>
          {/* Keyed, so moving between kinds or objects starts afresh (no value shown for one stays for another). */}
          {KINDS.map((kind) => (
            <Route key={kind} path={`/netbox/${NOUNS[kind].path}`}>
              <NetboxObjects key={kind} kind={kind} />
            </Route>
          ))}
          {KINDS.map((kind) => (
            <Route key={`${kind}-secrets`} path={`/netbox/${NOUNS[kind].path}/:id`}>
              {(p) => {
                const place = placeOf(kind, p.id);
                return place ? <NetboxSecrets key={placeKey(place)} place={place} /> : <NotFound />;
              }}
            </Route>
          ))}
          <Route path="/netbox/keys">
            <NetboxKeys />
          </Route>
          <Route path="/netbox/roles">
            <NetboxRoles />
          </Route>
          <Route path="/passbolt">
            <PassboltResources />
          </Route>
          <Route path="/tokens">
            <Tokens />
          </Route>
          <Route path="/users">
            <AdminUsers />
          </Route>
          <Route path="/permissions">
            <AdminPermissions />
          </Route>
          <Route path="/audit">
            <AdminAudit />
          </Route>
          <Route path="/account">
            <Account />
          </Route>
          <Route>
            <NotFound />
          </Route>
        </Switch>
      </Suspense>
    </Shell>
  );
}

/**
 * A route parameter as the name it encodes. wouter already ran decodeURI over the address, which leaves the escapes
 * of reserved characters (`/ ? # & = + $ , : ; @`) alone: decode those, and only those. Decoding all again would
 * throw on a name like `50%off` (already `%`) and misread `a%20b`.
 */
export const paramOf = (raw: string) =>
  raw.replace(/%(23|24|26|2B|2C|2F|3A|3B|3D|3F|40)/gi, (escape) => decodeURIComponent(escape));

export function App() {
  return (
    <SessionProvider>
      <Router hook={useHashLocation}>
        <Pages />
      </Router>
    </SessionProvider>
  );
}
