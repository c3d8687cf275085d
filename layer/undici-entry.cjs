'use strict'
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js')
const api = require('undici/lib/api/index.js')
Object.assign(Dispatcher.prototype, api)
module.exports.Pool = require('undici/lib/dispatcher/pool.js')
module.exports.Client = require('undici/lib/dispatcher/client.js')
