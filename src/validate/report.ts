/** How validators report: one located issue per call, collected so that every problem shows in one run. */
import type { ErrorCode, Issue } from '../errors.js';
import { locOf, type Node } from '../parse/node.js';

/** Report records one issue with the YAML node it is about. */
export type Report = (code: ErrorCode, at: Node, message: string, hint?: string) => void;

/** collector returns a Report and the list it fills. */
export function collector(): { report: Report; issues: Issue[] } {
  const issues: Issue[] = [];
  const report: Report = (code, at, message, hint) =>
    issues.push({ code, message, ...(hint ? { hint } : {}), loc: locOf(at) });
  return { report, issues };
}
