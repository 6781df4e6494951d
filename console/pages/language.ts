/** The language switch: a cookie for a year, then back to the page it was chosen on. */
import { Router } from 'express';
import { LANG_COOKIE, LANGS, type Lang } from '../i18n.ts';

export function langRoutes(): Router {
  const router = Router();
  router.get('/lang/:lang', (req, res) => {
    const lang = LANGS.includes(req.params.lang as Lang) ? req.params.lang : 'uk';
    res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', secure: req.secure, path: '/', maxAge: 365 * 86400_000 });
    const back =
      typeof req.query.back === 'string' && /^\/console\/[^\\]*$/.test(req.query.back) ? req.query.back : '/console/';
    res.redirect(303, back.startsWith('//') ? '/console/' : back);
  });
  return router;
}
