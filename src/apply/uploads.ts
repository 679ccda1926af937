/**
 * Phase 1 of an execution: upload the plan's new content. The bytes sent are hashed as they are
 * read: content that changed since the plan hashed it is refused before anything is sent (its
 * name and attributes carry the planned hash).
 */
import path from 'node:path';
import { ContentChanged } from '../targets/write.js';
import { Skip, type Run } from './run.js';

export async function uploadFiles(run: Run, root: string): Promise<void> {
  const { plan, account, budget, result } = run;
  run.emit({ type: 'phase', name: 'upload', total: plan.uploads.length });
  let uploaded = 0;
  await run.each(plan.uploads, async (u) => {
    try {
      const abs = path.join(root, ...u.path.split('/'));
      const { id } = await run.call(`upload ${u.path}`, () => account.uploadFile(abs, u.filename, u.sha256), {
        bucket: budget.uploads,
        recover: () => account.findUpload(u.filename, u.size),
      });
      run.fileIds.set(u.sha256, id);
      result.files.uploaded++;
      run.emit({ type: 'progress', phase: 'upload', done: ++uploaded, total: plan.uploads.length, item: u.path });
    } catch (error) {
      run.failedContent.add(u.sha256);
      if (error instanceof ContentChanged) {
        run.fail(
          `file ${u.path}`,
          new Skip(`${u.path} changed after the plan hashed it (planned sha256 ${error.planned.slice(0, 16)}…, the bytes read for the upload have ${error.read.slice(0, 16)}…): nothing of it was uploaded; run plan again`),
        );
      } else run.fail(`file ${u.path}`, error);
    }
  });
}
