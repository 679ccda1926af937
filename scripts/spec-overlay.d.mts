export function specPath(name?: string): string;
export function fixNullable<T>(schema: T): T;
export function applyDeviations<T>(doc: T): T;
export function loadAssistantsSpec(options?: { deviations?: boolean }): any;
