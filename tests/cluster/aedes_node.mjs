// One node of a real clustered MQTT broker: aedes, its messages shared with the other nodes
// through mqemitter-redis and its sessions, subscriptions and retained messages kept in
// Redis by aedes-persistence-redis. Usage: node aedes_node.mjs MQTT_PORT REDIS_PORT NAME
// Prints "NAME listening on MQTT_PORT" once it accepts connections.
import net from 'node:net'
import { createRequire } from 'node:module'
import { Aedes } from 'aedes'

const require = createRequire(import.meta.url)
const mqemitter = require('mqemitter-redis')
const persistence = require('aedes-persistence-redis')

const [port, redisPort, name] = process.argv.slice(2)
const redis = { host: '127.0.0.1', port: Number(redisPort) }

const broker = await Aedes.createBroker({
  id: name,
  mq: mqemitter(redis),
  persistence: persistence(redis)
})
const server = net.createServer(broker.handle)
server.listen(Number(port), '127.0.0.1', () => {
  console.log(`${name} listening on ${port}`)
})
broker.on('clientError', (client, err) => {
  console.error(`${name}: client ${client?.id}: ${err.message}`)
})
