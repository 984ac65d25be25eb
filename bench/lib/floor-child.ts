// Child process entry for the floor server (see floor-server.ts).

import { serveAsChild } from './child.js';
import { startFloorServer } from './floor-server.js';

await serveAsChild(async () => {
  const floor = await startFloorServer({ host: '127.0.0.1', port: 0 });
  return { info: { ocppPort: floor.port }, close: floor.close, errors: () => Object.fromEntries(floor.errors) };
});
