// Vite's `?raw` imports (used by a test that reads the core's messages from its source).
declare module "*?raw" {
  const text: string;
  export default text;
}
