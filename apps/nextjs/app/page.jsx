export const dynamic = 'force-dynamic';

export default function Home() {
  return <h1>Hello from Next.js behind Ferry</h1>;
}
