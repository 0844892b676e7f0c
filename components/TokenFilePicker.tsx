import { useState } from 'preact/hooks';
import { MAX_VPP_TOKEN_BYTES } from '../lib/token/types';
import type { Problem } from '../lib/result';
import { t } from '../lib/i18n/messages';

/** For a .vpptoken the user already has: drop it here or pick it. */
export function TokenFilePicker({
  onFile,
  onProblem,
}: {
  onFile(fileName: string, text: string): void;
  onProblem(problem: Problem): void;
}) {
  const [over, setOver] = useState(false);
  const take = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_VPP_TOKEN_BYTES) {
      onProblem({
        kind: 'too-large',
        message: t('fileTooLarge', file.name),
        nextStep: t('chooseTokenFile'),
      });
      return;
    }
    onFile(file.name, await file.text());
  };
  return (
    <div
      class={`drop-zone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void take(e.dataTransfer?.files[0]);
      }}
    >
      <label for="token-file">{t('dropTokenFile')}</label>
      <input
        id="token-file"
        type="file"
        accept=".vpptoken"
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          void take(input.files?.[0]).finally(() => (input.value = ''));
        }}
      />
    </div>
  );
}
