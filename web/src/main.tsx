import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import 'virtual:mantine-theme.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { ApiError } from './api/errors.ts';
import { theme } from './theme.ts';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal or a missing object does not get better by asking again.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
    // A finished mutation keeps its variables (a secret's value, a pasted .env) and its answer: drop them at once
    // rather than after the default 5 minutes.
    mutations: { gcTime: 0 },
  },
});

// The CSP allows no inline <style>: the theme's variables and global classes come from the stylesheet instead
// (mantine-css.ts), and the colour scheme follows the system's.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" withCssVariables={false} withGlobalClasses={false}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
