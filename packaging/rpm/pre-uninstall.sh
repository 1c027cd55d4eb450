# RPM %preun: on erase (not upgrade, where $1 is 1) stop a running server.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl stop rdconsole.service >/dev/null 2>&1 || :
fi
