"""Who may see what: roles and their actions, row scope and field restrictions declared in
``access.yaml``, and the hash-chained audit log of every view, search, export and change."""
