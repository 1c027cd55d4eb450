# RPM %post: create the rdconsole system user; start and enable nothing.
if ! getent passwd rdconsole >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/rdconsole --no-create-home \
    --shell /sbin/nologin --comment "rdconsole server" rdconsole
fi
if [ ! -d /var/lib/rdconsole ]; then
  install -d -o rdconsole -g rdconsole -m 0750 /var/lib/rdconsole
fi
if [ -d /etc/rdconsole ]; then
  chown -R root:rdconsole /etc/rdconsole
  chmod 0750 /etc/rdconsole
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
