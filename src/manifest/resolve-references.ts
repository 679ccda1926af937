/**
 * References between the manifest's sections: an assistant's tool resources must name vector
 * stores and file sets the manifest defines, should come with the tool that uses them, and give
 * code_interpreter no more files than the API allows.
 */
import type { DesiredAssistant, DesiredFileSet } from './desired.js';
import type { Path } from './locations.js';
import type { ResolveScope } from './resolve-scope.js';
import type { AssistantSpec, ManifestDoc } from './types.js';

export const MAX_CODE_INTERPRETER_FILES = 20;

/**
 * The keys an assistant's tool resources name (copies), each checked against the manifest's
 * sections; `types` counts the assistant's tools by type, for the warnings about a missing tool.
 */
export function checkToolResources(
  s: ResolveScope,
  doc: ManifestDoc,
  base: Path,
  spec: AssistantSpec,
  types: ReadonlyMap<string, number>,
): { vectorStores: string[]; fileSets: string[] } {
  const vsKeys = spec.tool_resources?.file_search?.vector_stores ?? [];
  const fsKeys = spec.tool_resources?.code_interpreter?.file_sets ?? [];
  s.refs([...base, 'tool_resources', 'file_search', 'vector_stores'], vsKeys, Object.keys(doc.vector_stores ?? {}), 'vector_stores');
  s.refs([...base, 'tool_resources', 'code_interpreter', 'file_sets'], fsKeys, Object.keys(doc.file_sets ?? {}), 'file_sets');
  if (vsKeys.length > 0 && !types.has('file_search')) {
    s.warnings.push({
      ...s.at([...base, 'tool_resources', 'file_search']),
      message: 'vector stores are attached but the assistant has no file_search tool, so it will not search them; add { type: file_search } to tools',
    });
  }
  if (fsKeys.length > 0 && !types.has('code_interpreter')) {
    s.warnings.push({
      ...s.at([...base, 'tool_resources', 'code_interpreter']),
      message: 'file sets are attached but the assistant has no code_interpreter tool; add { type: code_interpreter } to tools',
    });
  }
  return { vectorStores: [...vsKeys], fileSets: [...fsKeys] };
}

/** code_interpreter: at most 20 files per assistant, counted over its file sets. */
export function checkCodeInterpreterFiles(s: ResolveScope, assistants: DesiredAssistant[], fileSets: DesiredFileSet[]): void {
  const fileSetByKey = new Map(fileSets.map((f) => [f.key, f]));
  for (const a of assistants) {
    const paths = new Set<string>();
    for (const k of a.fileSets) for (const f of fileSetByKey.get(k)?.files ?? []) paths.add(f.path);
    if (paths.size > MAX_CODE_INTERPRETER_FILES) {
      s.problems.push({
        ...s.at(['assistants', a.key, 'tool_resources', 'code_interpreter', 'file_sets']),
        message: `gives code_interpreter ${paths.size} files; the API allows ${MAX_CODE_INTERPRETER_FILES} per assistant`,
      });
    }
  }
}
