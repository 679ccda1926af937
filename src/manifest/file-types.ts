/**
 * File types the tools accept, by extension, and the size limit of the Files API.
 * Source: OpenAI platform docs, "File search: supported files" and "Code interpreter: supported
 * files" (read 2026-11), and the createFile summary in shared/openai-api (512 MB per file).
 */

export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export const FILE_SEARCH_EXTENSIONS: ReadonlySet<string> = new Set([
  'c', 'cpp', 'cs', 'css', 'doc', 'docx', 'go', 'html', 'java', 'js', 'json', 'md', 'pdf', 'php',
  'pptx', 'py', 'rb', 'sh', 'tex', 'ts', 'txt',
]);

export const CODE_INTERPRETER_EXTENSIONS: ReadonlySet<string> = new Set([
  'c', 'cs', 'cpp', 'csv', 'doc', 'docx', 'html', 'java', 'json', 'md', 'pdf', 'php', 'pptx', 'py',
  'rb', 'tex', 'txt', 'css', 'js', 'sh', 'ts', 'jpeg', 'jpg', 'gif', 'pkl', 'png', 'tar', 'xlsx',
  'xml', 'zip',
]);

export function extensionOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
