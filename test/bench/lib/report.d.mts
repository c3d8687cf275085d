import type { BenchResults } from './core.mjs';
export function renderMarkdown(results: BenchResults): string;
export function renderSvg(results: BenchResults): string;
export function updateReadme(readme: string, markdown: string): string;
