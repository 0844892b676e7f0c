import type { AddigyToken } from './schemas';
import type { AppleClientConfig } from '../../apple/schemas';
import { err, ok, type Problem, type Result } from '../../result';
import { t } from '../../i18n/messages';
import { sameName } from '../../text/same-name';

export interface AddigyTokenMatch {
  /** The Addigy token to renew. */
  token: AddigyToken;
  /** `uid`: Apple confirmed the location. `name`: Apple could not be asked, so the match is weaker. */
  strength: 'uid' | 'name';
  /** How many Addigy tokens matched (more than one with policy inheritance). */
  candidates: number;
}

export type MatchProblem = Problem<'no-match' | 'ambiguous'>;

export interface MatchAddigyTokenInput {
  tokens: AddigyToken[];
  /** Apple's client config for the captured token; undefined when Apple could not be asked. */
  apple?: AppleClientConfig;
  /** `locationName` comes from the download's file name when it has one. */
  file: { orgName: string; locationName?: string };
}

/** Finds the Addigy token a captured token renews (relay-contract.md, "Matching"). */
export function matchAddigyToken(input: MatchAddigyTokenInput): Result<AddigyTokenMatch, MatchProblem> {
  const { tokens, apple, file } = input;

  if (apple) {
    // Rule 1: the location identifier decides; names are not consulted.
    const matches = tokens.filter((token) => token.clientConfig?.uId === apple.uId);
    return matches.length > 0 ? ok(choose(matches, 'uid')) : err(noMatch());
  }

  // Rule 2: without Apple, the file tells us the organisation, and its name the location.
  const fileOrg = sameName(file.orgName);
  const fileLocation = sameName(file.locationName);
  const matches = fileOrg
    ? tokens.filter(
        (token) =>
          sameName(token.orgName) === fileOrg &&
          (!fileLocation || sameName(token.clientConfig?.locationName) === fileLocation),
      )
    : [];
  if (matches.length === 0) return err(noMatch());

  const locations = new Set(matches.map((token) => sameName(token.clientConfig?.locationName)));
  const uIds = new Set(matches.map((token) => token.clientConfig?.uId).filter((uId): uId is string => !!uId));
  if (locations.size > 1 || uIds.size > 1) {
    return err({
      kind: 'ambiguous',
      message:
        t('problemAddigyHasTokensForMoreThan'),
      nextStep: t('problemTryAgainWhenAppleCanBe'),
    });
  }
  return ok(choose(matches, 'name'));
}

/** Rule 3: with policy inheritance one location appears in several policies; renew where it is not inherited. */
function choose(matches: AddigyToken[], strength: AddigyTokenMatch['strength']): AddigyTokenMatch {
  const own = matches.find((token) => !token.inheritedFrom?.trim()) ?? matches[0]!;
  return { token: own, strength, candidates: matches.length };
}

/** Rule 4. */
function noMatch(): MatchProblem {
  return {
    kind: 'no-match',
    message:
      t('problemThisTokenDoesNotMatchAny'),
    nextStep:
      t('problemInAddigyCreateANewApple'),
  };
}
