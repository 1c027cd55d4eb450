# RPM %postun: let systemd forget the removed unit. Data and user are kept.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
