"""The lessons plugin's services: catalogue, navigation, progress, images, journal,
import and export."""
