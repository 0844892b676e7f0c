import type { BadgeState } from './compute-badge';

/** The part of browser.action the badge needs; tests pass an in-memory double. */
export interface ActionApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

/** Global (not per tab) so every window tells the same story. */
export async function showBadge(action: ActionApi, state: BadgeState): Promise<void> {
  await action.setBadgeBackgroundColor({ color: state.color });
  await action.setBadgeText({ text: state.text });
  await action.setTitle({ title: state.title });
}
