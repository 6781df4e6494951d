/**
 * The console's languages: Ukrainian by default, English on request (a cookie the language switch
 * sets). Every text a page shows comes from a message catalogue (console/messages/); templates hold
 * keys only. The English catalogue is typed by the Ukrainian one, so a missing key fails the typecheck.
 */
import type { Request } from 'express';
import { en } from './messages/en.ts';
import { uk, type MessageKey } from './messages/uk.ts';

export type Lang = 'uk' | 'en';
export const LANGS: readonly Lang[] = ['uk', 'en'];
export const LANG_COOKIE = 'potik_lang';

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { uk, en };

export type Translate = (key: MessageKey | string, params?: Record<string, string | number>) => string;

/** The language the browser chose with the switch; Ukrainian otherwise. */
export function langOf(req: Request): Lang {
  const chosen = /(?:^|;\s*)potik_lang=(uk|en)(?:;|$)/.exec(req.get('cookie') ?? '')?.[1];
  return (chosen as Lang | undefined) ?? 'uk';
}

/** Messages of one language; `{name}` in a message is replaced by the parameter of that name. */
export function translator(lang: Lang): Translate {
  const catalogue = CATALOGUES[lang];
  return (key, params) => {
    const text = (catalogue as Record<string, string>)[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(params[name] ?? all)) : text;
  };
}

export function hasMessage(key: string): boolean {
  return key in uk;
}
