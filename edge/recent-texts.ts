// The texts of the newest messages, by id, for the live page: predictions do not carry their text,
// so the live feed also reads sms.raw and remembers what it saw here. Bounded: the oldest entry
// goes when `capacity` is reached, so memory stays flat (at most capacity × the text limit).
export interface RecentTexts {
  remember(smsId: string, text: string): void;
  textOf(smsId: string): string | undefined;
  readonly size: number;
}

export function createRecentTexts(capacity: number): RecentTexts {
  const texts = new Map<string, string>();
  return {
    remember(smsId, text) {
      // Re-inserting moves an id to the newest end (a replayed message is recent again).
      texts.delete(smsId);
      texts.set(smsId, text);
      if (texts.size > capacity) texts.delete(texts.keys().next().value!);
    },
    textOf: (smsId) => texts.get(smsId),
    get size() {
      return texts.size;
    },
  };
}
