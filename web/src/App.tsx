import { Title } from '@mantine/core';

export function App() {
  return (
    <main className="hush-main">
      <Title>Hush</Title>
    </main>
  );
}
