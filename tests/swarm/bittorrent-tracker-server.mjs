// gst-p2pcdn tests: runs bittorrent-tracker (npm) as a WebSocket-only tracker.
// SPDX-License-Identifier: LGPL-2.1-or-later
// usage: node bittorrent-tracker-server.mjs NODE_MODULES_DIR HOST PORT
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [modules, host, port] = process.argv.slice(2)
const serverJs = path.join(modules, 'bittorrent-tracker', 'server.js')
const { default: Server } = await import(pathToFileURL(serverJs).href)

const server = new Server({ udp: false, http: false, ws: true, stats: false })
server.on('error', (err) => { console.error('tracker error:', err.message) })
server.on('warning', (err) => { console.error('tracker warning:', err.message) })
server.listen(Number(port), host, () => {
  console.log(`bittorrent-tracker listening on ws://${host}:${port}`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
