/** One `progress` event of GET /connect/link/:id/progress/events: sent by the server, read by progress-page.ts. */
export interface ProgressEvent {
  /** The cards that changed, as the page renders them (`v`: the version the card's data-v carries). */
  cards: Array<{ id: string; v: string; html: string }>;
  /** Every card, in the page's order; a card missing here was removed. */
  order: string[];
  /** The summary line under the heading. */
  summary: string;
  /** False once no sync runs: the stream's last event. */
  active: boolean;
}
