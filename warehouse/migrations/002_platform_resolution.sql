-- Platform resolution: the name as the feed wrote it, and a flag for unknown platforms.
alter table core.enforcement_actions add column platform_reported varchar;
alter table core.enforcement_actions add column is_known_platform boolean;
update core.enforcement_actions
set platform_reported = platform, is_known_platform = true
where platform_reported is null;
