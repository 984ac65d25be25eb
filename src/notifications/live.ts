import type { Logger } from '../log.js';
import type { EventLog, StoredEvent } from '../store/eventLog.js';
import { WATCH_RENEW_MS, type WatchSignal } from './liveWatch.js';

/** One open stream: told each event of its installation in order, and when the feed ends. */
export interface LiveListener {
  event(e: StoredEvent): void;
  closed(): void;
}

export interface LiveFeed {
  /**
   * Starts from now, or right after `lastSeq` (an SSE Last-Event-ID). Resolves once listening;
   * the returned function stops the stream.
   */
  watch(installationId: string, lastSeq: number | undefined, listener: LiveListener): Promise<() => void>;
  /** Whether a stream on this node or another watches the installation (its events must then be stored). */
  watched(installationId: string): boolean;
  /** Ends every stream now (gateway shutdown). */
  close(): void;
}

/** Events read per query; a full page is followed at once by the next. */
const PAGE = 500;
/** A resuming stream replays at most this many pages; an older Last-Event-ID gets the newest part only. */
const CATCH_UP_PAGES = 10;

interface Feed {
  cursor: number;
  ready: Promise<void>;
  listeners: Set<LiveListener>;
  timer?: NodeJS.Timeout;
}

/**
 * Installations' events for live views, read from the events table so that a stream on one
 * node sees what chargers on any node did. One poller per installation, shared by all its
 * streams on this node, runs only while someone watches.
 */
export function createLiveFeed(deps: { events: Pick<EventLog, 'after' | 'lastSeq'>; pollMs: number; log: Logger; signal: WatchSignal }): LiveFeed {
  const feeds = new Map<string, Feed>();
  let closed = false;
  // Other nodes forget a watch that is not renewed.
  const renew = setInterval(() => feeds.size > 0 && deps.signal.announce(feeds.keys()), WATCH_RENEW_MS);
  renew.unref();
  const scope = (installationId: string) => ({ installationId, types: '*' as const });

  async function poll(installationId: string, feed: Feed): Promise<void> {
    let full = false;
    try {
      const page = await deps.events.after(feed.cursor, scope(installationId), PAGE);
      for (const e of page) {
        feed.cursor = e.seq;
        for (const listener of feed.listeners) listener.event(e);
      }
      full = page.length === PAGE;
    } catch (err) {
      deps.log.warn({ err, installationId }, 'live feed poll failed');
    }
    if (closed || feeds.get(installationId) !== feed) return;
    feed.timer = setTimeout(() => void poll(installationId, feed), full ? 0 : deps.pollMs);
    feed.timer.unref();
  }

  function feedOf(installationId: string): Feed {
    let feed = feeds.get(installationId);
    if (feed) return feed;
    const created: Feed = { cursor: 0, listeners: new Set(), ready: Promise.resolve() };
    created.ready = deps.events.lastSeq().then(
      (seq) => {
        created.cursor = seq;
        if (!closed && feeds.get(installationId) === created) void poll(installationId, created);
      },
      (err) => {
        // The next stream tries again rather than inheriting the failure.
        if (feeds.get(installationId) === created) feeds.delete(installationId);
        throw err;
      },
    );
    feeds.set(installationId, (feed = created));
    deps.signal.announce([installationId]);
    return feed;
  }

  /** Replays the stored events after `from`, up to where the shared poller stood when the stream joined. */
  async function catchUp(installationId: string, from: number, until: number, deliver: (e: StoredEvent) => void): Promise<void> {
    let after = from;
    for (let i = 0; i < CATCH_UP_PAGES && after < until; i++) {
      const page = (await deps.events.after(after, scope(installationId), PAGE)).filter((e) => e.seq <= until);
      page.forEach(deliver);
      if (page.length < PAGE) return;
      after = page[page.length - 1].seq;
    }
  }

  /**
   * Adds a stream to the feed. Events reach it once each and in order: a seq at or below the last
   * one sent is dropped. A resuming stream holds what the poller brings until its replay is done.
   */
  function join(feed: Feed, lastSeq: number | undefined, listener: LiveListener) {
    let sent = lastSeq ?? feed.cursor;
    const deliver = (e: StoredEvent) => {
      if (e.seq <= sent) return;
      sent = e.seq;
      listener.event(e);
    };
    let held: StoredEvent[] | undefined = lastSeq !== undefined && lastSeq < feed.cursor ? [] : undefined;
    const member: LiveListener = { event: (e) => (held ? held.push(e) : deliver(e)), closed: () => listener.closed() };
    feed.listeners.add(member);
    return {
      listener: member,
      deliver,
      resuming: held && { until: feed.cursor },
      resumed() {
        const waiting = held ?? [];
        held = undefined;
        waiting.forEach(deliver);
      },
    };
  }

  return {
    async watch(installationId, lastSeq, listener) {
      if (closed) {
        listener.closed();
        return () => undefined;
      }
      const feed = feedOf(installationId);
      await feed.ready;
      const member = join(feed, lastSeq, listener);
      const stop = () => {
        feed.listeners.delete(member.listener);
        if (feed.listeners.size > 0 || feeds.get(installationId) !== feed) return;
        clearTimeout(feed.timer);
        feeds.delete(installationId);
      };
      if (lastSeq !== undefined && member.resuming) {
        try {
          await catchUp(installationId, lastSeq, member.resuming.until, member.deliver);
        } catch (err) {
          stop();
          throw err;
        }
        member.resumed();
      }
      return stop;
    },
    watched: (installationId) => feeds.has(installationId) || deps.signal.heard(installationId),
    close() {
      closed = true;
      clearInterval(renew);
      for (const feed of feeds.values()) {
        clearTimeout(feed.timer);
        for (const listener of feed.listeners) listener.closed();
      }
      feeds.clear();
    },
  };
}
