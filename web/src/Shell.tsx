import { Alert, Badge, Button, Group, Text } from '@mantine/core';
import { Component, type ReactNode } from 'react';
import { Link, useLocation, useRoute } from 'wouter';
import { can, useSession } from './session.tsx';

function NavItem({ href, children, match }: { href: string; children: ReactNode; match: string }) {
  const [active] = useRoute(match);
  return (
    <Button
      component={Link}
      href={href}
      variant={active ? 'light' : 'subtle'}
      size="compact-md"
      aria-current={active ? 'page' : undefined}
    >
      {children}
    </Button>
  );
}

/**
 * A page that throws while rendering shows this instead of a blank console; the navigation stays usable, and going
 * to another page starts afresh. The error's text is not shown: it could
 * quote data.
 */
class PageErrorBoundary extends Component<{ children: ReactNode; resetOn: string }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  // Another address clears a failure without remounting the page on every change of address (a tab, an open
  // environment renamed), which would close its dialogs and drop what was typed.
  override componentDidUpdate(previous: { resetOn: string }) {
    if (this.state.failed && previous.resetOn !== this.props.resetOn) this.setState({ failed: false });
  }
  override render() {
    return this.state.failed ? (
      <Alert color="red" title="This page could not be shown" role="alert">
        Something in this page failed. Go to another page from the menu, or reload.
      </Alert>
    ) : (
      this.props.children
    );
  }
}

/** The frame of every signed-in page: where to go, who is signed in, signing out. */
export function Shell({ children }: { children: ReactNode }) {
  const { me, access, signOut } = useSession();
  const [location] = useLocation();
  return (
    <>
      <a
        className="hush-skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="hush-header">
        <Link href="/" className="hush-brand">
          Hush
        </Link>
        <nav className="hush-nav" aria-label="Main">
          <NavItem href="/" match="/">
            Overview
          </NavItem>
          <NavItem href="/phase" match="/phase/*?">
            Phase apps
          </NavItem>
          <NavItem href="/lists" match="/lists/*?">
            Secret lists
          </NavItem>
          <NavItem href="/netbox" match="/netbox/*?">
            NetBox secrets
          </NavItem>
          <NavItem href="/passbolt" match="/passbolt">
            Passbolt
          </NavItem>
          <NavItem href="/tokens" match="/tokens">
            API tokens
          </NavItem>
          {/* Administration: offered only to those whose grants reach it (the server checks anyway). */}
          {can(access, 'users.user', 'view') ? (
            <NavItem href="/users" match="/users">
              Users
            </NavItem>
          ) : null}
          {can(access, 'users.objectpermission', 'view') ? (
            <NavItem href="/permissions" match="/permissions">
              Permissions
            </NavItem>
          ) : null}
          {can(access, 'core.auditlog', 'view') ? (
            <NavItem href="/audit" match="/audit">
              Audit log
            </NavItem>
          ) : null}
          <NavItem href="/account" match="/account">
            Account
          </NavItem>
        </nav>
        <Group gap="xs" className="hush-user">
          <Text size="sm" className="hush-hide-narrow">
            {me.user.username}
          </Text>
          {me.user.is_superuser ? (
            <Badge variant="light" className="hush-hide-narrow">
              superuser
            </Badge>
          ) : null}
          <Button variant="default" size="xs" onClick={() => void signOut('You have signed out.')}>
            Sign out
          </Button>
        </Group>
      </header>
      <main className="hush-main" id="main" tabIndex={-1}>
        <PageErrorBoundary resetOn={location}>{children}</PageErrorBoundary>
      </main>
    </>
  );
}
