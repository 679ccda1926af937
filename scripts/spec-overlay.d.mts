export function specPath(name?: string): string;
export function fixNullable<T>(schema: T): T;
export function applyDeviations<T>(doc: T): T;
export function fixRecursiveRefs<T>(doc: T): T;
export function loadResponsesSpec(options?: { deviations?: boolean }): any;
export function loadAssistantsSpec(options?: { deviations?: boolean }): any;
