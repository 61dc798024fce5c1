// Two services as a Node.js front end is often written: node:http only, no OpenTelemetry code.
//   node httpapp.js back    serves /back
//   node httpapp.js front   serves /front by calling $BACK_URL$BACK_PATH (BACK_PATH: /back unless set)
// Listens on a free port of 127.0.0.1, or on $PORT of every address (in a pod), and prints "LISTENING <port>".
'use strict';
const http = require('node:http');

const role = process.argv[2];

function back(request, response) {
  response.writeHead(200, {'content-type': 'text/plain'});
  response.end('back');
}

function front(request, response) {
  http.get(process.env.BACK_URL + (process.env.BACK_PATH || '/back'), (answer) => {
    let body = '';
    answer.setEncoding('utf8');
    answer.on('data', (chunk) => { body += chunk; });
    answer.on('end', () => {
      response.writeHead(answer.statusCode, {'content-type': 'text/plain'});
      response.end('front+' + body);
    });
  }).on('error', (error) => {
    response.writeHead(502, {'content-type': 'text/plain'});
    response.end(String(error));
  });
}

const handler = role === 'front' ? front : back;
const server = http.createServer((request, response) => {
  if (request.url === '/' + role) {
    handler(request, response);
  } else {
    response.writeHead(404);
    response.end();
  }
});
server.listen(Number(process.env.PORT || 0), process.env.PORT ? '0.0.0.0' : '127.0.0.1', () => {
  console.log('LISTENING ' + server.address().port);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  // the SDK flushes on its own shutdown hook; exit as a container would on SIGTERM
  process.on(signal, () => server.close(() => process.exit(0)));
}
