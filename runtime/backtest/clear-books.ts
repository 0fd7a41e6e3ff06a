// Empties every book of a replayer the way a BookClear row empties one (an L3 book together with
// its orders), for a replay that starts over: the rows that follow rebuild them.
import type { BookReplayer } from '../book/replay.js';

export function clearBooks(replayer: BookReplayer): void {
  replayer.books.forEach((book, market) => {
    const l3 = replayer.orderBooks[market];
    if (l3) l3.clear();
    else book.clear();
  });
}
