import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, csrf, onAuthRefused } from './api/client.ts';
import { ApiError, unwrap } from './api/errors.ts';
import type { operations } from './api/schema';
import { setClipboardClearSeconds } from './components/common.tsx';

export type Me = operations['users_me']['responses'][200]['content']['application/json'];
export type Access = operations['users_me_access']['responses'][200]['content']['application/json'];

type State =
  | { status: 'loading' }
  | { status: 'signed-out'; notice: string | undefined }
  | { status: 'signed-in'; me: Me; access: Access; signOut: (notice?: string) => Promise<void> };

const SessionContext = createContext<State>({ status: 'loading' });
const SignInContext = createContext<(username: string, password: string) => Promise<void>>(async () => {});

/** The signed-in state; only rendered inside the signed-in part of the app. */
export function useSession(): Extract<State, { status: 'signed-in' }> {
  const state = use(SessionContext);
  if (state.status !== 'signed-in') throw new Error('useSession outside a signed-in page');
  return state;
}
export const useSessionState = () => use(SessionContext);
export const useSignIn = () => use(SignInContext);

/** May the signed-in user do `action` on some object of `type`? (The server checks each request anyway.) */
export function can(access: Access, type: string, action: string): boolean {
  // A type or action the server does not list is not granted: a page never offers what it cannot check.
  const reach = access.object_types.find((t) => t.name === type)?.actions.find((a) => a.action === action)?.reach;
  return reach !== undefined && reach !== 'none';
}

/**
 * May the signed-in user do `action` on the object `id` of `type`? A grant for every object of the type, or one
 * naming this object (an object-scoped grant lists its ids); the server checks each request anyway.
 */
export function canOn(access: Access, type: string, action: string, id: string | number): boolean {
  const reach = access.object_types.find((t) => t.name === type)?.actions.find((a) => a.action === action);
  return reach?.reach === 'all' || (reach?.object_ids.includes(String(id)) ?? false);
}

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'scroll'] as const;

/** Calls `onIdle` once no input has come for `ms` (checked every few seconds, so it also fires after a sleep). */
function useIdle(ms: number, onIdle: () => void, enabled: boolean) {
  const last = useRef(Date.now());
  useEffect(() => {
    if (!enabled) return;
    last.current = Date.now();
    const mark = () => (last.current = Date.now());
    for (const e of ACTIVITY) window.addEventListener(e, mark, { passive: true, capture: true });
    const timer = window.setInterval(
      () => {
        if (Date.now() - last.current >= ms) onIdle();
      },
      Math.min(5000, ms),
    );
    return () => {
      window.clearInterval(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, mark, { capture: true });
    };
  }, [ms, onIdle, enabled]);
}

/**
 * The login session: sign in (username and password → the HttpOnly session cookie and the CSRF token), sign out
 * (the server closes the session; every cached answer, secret values included, is dropped), and idle sign-out after
 * the server's `idle_timeout_seconds`. A 401 or 403 anywhere makes it check the session again, so a session closed
 * elsewhere or expired shows the sign-in page rather than broken pages.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  // Without this tab's CSRF token the session cannot change anything: sign in again (a new tab, a closed session).
  const [signedOut, setSignedOut] = useState<{ notice: string | undefined } | null>(
    csrf.get() ? null : { notice: undefined },
  );

  const me = useQuery({
    queryKey: ['session', 'me'],
    queryFn: async () => unwrap(await api.GET('/api/users/me/')),
    enabled: signedOut === null,
    retry: false,
    staleTime: 60_000,
  });
  const access = useQuery({
    queryKey: ['session', 'access'],
    queryFn: async () => unwrap(await api.GET('/api/users/me/access/')),
    enabled: signedOut === null && me.isSuccess,
    retry: false,
    staleTime: 60_000,
  });

  const end = useCallback(
    (notice: string | undefined) => {
      csrf.set(null);
      queryClient.clear();
      setSignedOut({ notice });
    },
    [queryClient],
  );

  const signOut = useCallback(
    async (notice?: string) => {
      // Best effort: the session is forgotten here whatever the server answers.
      await api.POST('/api/users/logout/').catch(() => undefined);
      end(notice);
    },
    [end],
  );

  const signIn = useCallback(
    async (username: string, password: string) => {
      const { csrf_token } = unwrap(await api.POST('/api/users/login/', { body: { username, password } }));
      csrf.set(csrf_token);
      queryClient.clear();
      setSignedOut(null);
    },
    [queryClient],
  );

  useEffect(
    () =>
      onAuthRefused(() => {
        if (signedOut === null) void queryClient.invalidateQueries({ queryKey: ['session', 'me'] });
      }),
    [queryClient, signedOut],
  );

  const failure = me.error ?? access.error;
  useEffect(() => {
    if (failure instanceof ApiError && (failure.status === 401 || failure.status === 403))
      end('Your session has ended; sign in again.');
  }, [failure, end]);

  const clipboardSeconds = access.data?.clipboard_clear_seconds;
  useEffect(() => {
    if (clipboardSeconds !== undefined) setClipboardClearSeconds(clipboardSeconds);
  }, [clipboardSeconds]);

  const idleSeconds = access.data?.idle_timeout_seconds ?? 900;
  const onIdle = useCallback(() => {
    void signOut(`Signed out after ${Math.round(idleSeconds / 60)} minutes without activity.`);
  }, [signOut, idleSeconds]);
  useIdle(idleSeconds * 1000, onIdle, signedOut === null && access.isSuccess);

  const state: State = useMemo(() => {
    if (signedOut) return { status: 'signed-out', notice: signedOut.notice };
    if (me.data && access.data) return { status: 'signed-in', me: me.data, access: access.data, signOut };
    if (failure && !(failure instanceof ApiError && failure.status < 500)) {
      return { status: 'signed-out', notice: 'The server cannot be reached; try again in a moment.' };
    }
    return { status: 'loading' };
  }, [signedOut, me.data, access.data, failure, signOut]);

  return (
    <SignInContext value={signIn}>
      <SessionContext value={state}>{children}</SessionContext>
    </SignInContext>
  );
}
