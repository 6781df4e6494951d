/**
 * Pages are eta templates (console/views/), escaped by default and cached after the first render.
 * Every page gets the same frame: the user, the language with its messages, formatting helpers,
 * the form token and the navigation the user's role may use.
 */
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import { Eta } from 'eta';
import * as format from './format.ts';
import { langOf, translator, type Lang, type Translate } from './i18n.ts';
import { navigationFor, type NavEntry } from './navigation.ts';
import type { ConsoleUser } from './session.ts';

const eta = new Eta({
  views: fileURLToPath(new URL('./views', import.meta.url)),
  cache: process.env.NODE_ENV !== 'development',
  autoEscape: true,
  autoTrim: false,
});

export interface PageFrame {
  lang: Lang;
  t: Translate;
  fmt: typeof format;
  user: ConsoleUser | null;
  csrf: string;
  nav: NavEntry[];
  /** The path of this page, for the language switch to come back to. */
  here: string;
  title: string;
}

export function frameOf(req: Request, res: Response): Omit<PageFrame, 'title'> {
  const lang = langOf(req);
  const user = (res.locals.user as ConsoleUser | undefined) ?? null;
  return {
    lang,
    t: translator(lang),
    fmt: format,
    user,
    csrf: (res.locals.csrf as string | undefined) ?? '',
    nav: user ? navigationFor(user.role) : [],
    here: req.originalUrl,
  };
}

/** Renders a page (or a fragment) with the frame and the page's data. */
export function render(
  req: Request,
  res: Response,
  view: string,
  data: Record<string, unknown> & { title?: string },
  status = 200,
): void {
  const frame = frameOf(req, res);
  const html = eta.render(view, { ...frame, title: data.title ?? '', ...data });
  res.status(status).type('html').setHeader('cache-control', 'no-store').send(html);
}
