// Files Vite builds in as text (`?raw`): the guide (help.ts).
declare module "*.md?raw" {
  const text: string;
  export default text;
}
