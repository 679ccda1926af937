/** The plan's counts, as its result line says them (Terraform's: a replace is one to add and one to destroy). */
import { adds, impactOf, removes } from './impact.js';
import type { FileDeletion, PlanSummary, ResourceChange, Upload } from './types.js';

export function summarize(changes: readonly ResourceChange[], uploads: readonly Upload[], deletions: readonly FileDeletion[]): PlanSummary {
  const s: PlanSummary = {
    add: 0,
    change: 0,
    destroy: 0,
    drifted: 0,
    files: { upload: uploads.length, attach: 0, detach: 0, update_attributes: 0, delete: deletions.length },
  };
  for (const c of changes) {
    if (adds(c)) s.add++;
    if (removes(c)) s.destroy++;
    if (impactOf(c) === 'update') s.change++;
    if (c.drift) s.drifted++;
    if (c.files) {
      s.files.attach += c.files.attach.length;
      s.files.detach += c.files.detach.length;
      s.files.update_attributes += c.files.update_attributes.length;
    }
  }
  return s;
}
