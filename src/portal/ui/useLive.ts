import { useEffect, useRef, useState } from 'preact/hooks';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

/**
 * Server-sent events of one installation (GET /api/installations/:id/live). Every event calls
 * `onEvent`; EventSource reconnects by itself and resumes from Last-Event-ID. Bursts are
 * folded into one call per 250 ms, so a charger booting with ten connectors causes one reload.
 */
export function useLive(installationId: string, onEvent: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const callback = useRef(onEvent);
  callback.current = onEvent;

  useEffect(() => {
    const source = new EventSource(`/api/installations/${encodeURIComponent(installationId)}/live`, { withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fire = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        callback.current();
      }, 250);
    };
    source.onopen = () => setState('live');
    // Named events (`event: charger.connected`) do not reach onmessage; any of them means "something changed".
    source.onmessage = fire;
    for (const type of ['charger.connected', 'charger.disconnected', 'charger.booted', 'connector.status_changed', 'session.started', 'session.stopped', 'localList.synced', 'localList.failed']) {
      source.addEventListener(type, fire);
    }
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting');
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, [installationId]);
  return state;
}
