import { browser } from 'wxt/browser';

/**
 * Stands in for WXT's ContentScriptContext in abm.content (wxt.config.ts's entry wrapper passes `{ signal }`): this
 * script uses nothing but `signal`, and WXT's class (timers, location watcher, logger) is ~1 KB gzipped of a script
 * that runs in every frame of every Apple page. It keeps the behaviour that matters: a newer copy of the script (the
 * extension was reloaded or updated) aborts this one's signal, through the document event WXT uses.
 * The detail names the script, as WXT's does, and a copy built with WXT's class stops too (it reads the absent
 * `messageId` as another copy's). This copy hears no event of its own: it announces itself before it listens.
 */
export function scriptSignal(name: string): AbortSignal {
  const controller = new AbortController();
  const type = `${browser.runtime.id}:${name}:wxt:content-script-started`;
  document.dispatchEvent(new CustomEvent(type, { detail: { contentScriptName: name } }));
  document.addEventListener(
    type,
    (event) => {
      if ((event as CustomEvent<{ contentScriptName?: string } | null>).detail?.contentScriptName === name) controller.abort();
    },
    { signal: controller.signal },
  );
  return controller.signal;
}
