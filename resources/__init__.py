"""gdlab's shipped files: presets/ (experiment files), lessons/ (lesson tracks) and icons/.

In the source tree this folder is the top-level ``resources/``; pyproject.toml maps it into the
package as ``gdlab.resources``, and it is read only through
``importlib.resources.files("gdlab.resources")`` (see :func:`gdlab.core.presets.resources_dir`).
"""
