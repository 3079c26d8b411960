#ifndef QCOORD_CLIBSSH_SHIM_H
#define QCOORD_CLIBSSH_SHIM_H
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>   /* only for ssh_send_keepalive */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#endif
