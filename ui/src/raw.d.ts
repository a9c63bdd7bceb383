// Files Vite builds in as text (`?raw`): the guide (help.ts) and, in a test, the core's
// messages from its source.
declare module "*?raw" {
  const text: string;
  export default text;
}
