import { browser } from 'wxt/browser';

/**
 * Stands in for WXT's ContentScriptContext in abm.content (wxt.config.ts's entry wrapper passes `{ signal }`): this
 * script uses nothing but `signal`, and WXT's class (timers, location watcher, logger) is ~1 KB gzipped of a script
 * that runs in every frame of every Apple page. It keeps the behaviour that matters: a newer copy of the script (the
 * extension was reloaded or updated) aborts this one's signal, through the same document event and detail WXT uses,
 * so copies built with WXT's class stop too.
 */
export function scriptSignal(name: string): AbortSignal {
  const controller = new AbortController();
  const type = `${browser.runtime.id}:${name}:wxt:content-script-started`;
  const messageId = Math.random().toString(36).slice(2);
  document.dispatchEvent(new CustomEvent(type, { detail: { contentScriptName: name, messageId } }));
  document.addEventListener(
    type,
    (event) => {
      const detail = (event as CustomEvent<{ contentScriptName?: string; messageId?: string } | null>).detail;
      if (detail?.contentScriptName === name && detail.messageId !== messageId) controller.abort();
    },
    { signal: controller.signal },
  );
  return controller.signal;
}
